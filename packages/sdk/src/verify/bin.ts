import process from 'node:process';

import { main } from './cli';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`audit-verify: ${String(error)}\n`);
    process.exitCode = 2;
  },
);
