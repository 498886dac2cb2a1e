create table counter (id int primary key, total int not null);
insert into counter values (1, 0);
