// A Node process that uses proper-lockfile 4.x on a path, driven by the Java interop test.
// Usage: node proper-lockfile-peer.js <node_modules dir> <path> hold|try|check
//   hold:  lock (realpath: false), print LOCKED, release when a line arrives on stdin, print RELEASED
//   try:   one lock attempt; print LOCKED (then release) or ERROR <code>
//   check: print CHECK true|false
'use strict';

const [modules, target, mode] = process.argv.slice(2);
const lockfile = require(require.resolve('proper-lockfile', { paths: [modules] }));
const options = { realpath: false };

async function main() {
    if (mode === 'check') {
        console.log(`CHECK ${await lockfile.check(target, options)}`);
        return;
    }
    let release;
    try {
        release = await lockfile.lock(target, options);
    } catch (err) {
        console.log(`ERROR ${err.code}`);
        return;
    }
    console.log('LOCKED');
    if (mode === 'try') {
        await release();
        return;
    }
    process.stdin.once('data', async () => {
        await release();
        console.log('RELEASED');
        process.exit(0);
    });
}

main().catch((err) => {
    console.log(`FAILED ${err.stack}`);
    process.exit(1);
});
