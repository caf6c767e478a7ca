#!/usr/bin/env node
/**
 * Entry point of the jobs daemon for process managers (systemd, pm2, a container's CMD):
 * `node dist/jobs/daemon.js [--db PATH] [--config FILE] [--grace-period SECONDS]` is
 * `benchlab [--db PATH] jobs start [--config FILE] [--grace-period SECONDS]`. The daemon itself,
 * the job handlers and the registry live in lib/jobs/ (library code, tested under test/jobs/).
 */
import { main } from '../lib/cli/main';

const [node = process.execPath, script = __filename, ...args] = process.argv;
// --db belongs to the root command, before `jobs start`.
const dbAt = args.findIndex((a) => a === '--db' || a.startsWith('--db='));
const dbArgs = dbAt < 0 ? [] : args.splice(dbAt, args[dbAt] === '--db' ? 2 : 1);

main([node, script, ...dbArgs, 'jobs', 'start', ...args]).then((code) => {
  process.exitCode = code;
});
