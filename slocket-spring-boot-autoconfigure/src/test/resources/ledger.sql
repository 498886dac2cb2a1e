create table ledger (id identity primary key, entry varchar(64) not null);
