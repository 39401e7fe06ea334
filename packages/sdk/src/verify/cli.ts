/**
 * `audit-verify archive.zip --key <file-or-base64>`: verifies an archive offline against the
 * server's public key (GET /api/v1/integrity/public-key). Exit 0 when every row is proven,
 * 1 when there are problems, 2 on a usage error (or an archive that cannot be opened).
 */
import { readFileSync } from 'node:fs';
import process from 'node:process';

import { verifyArchive } from './index';

const USAGE = `usage: audit-verify <archive.zip> --key <public-key file | base64>
  Checks every row of an export or purge archive against the signed seal checkpoints it
  carries, with the server's Ed25519 public key (PEM file, or its 32 bytes in base64).
  Exit status: 0 verified, 1 problems found, 2 usage error.
  --max-problems <n>   problems printed (default 100)
  --json               print the report as JSON`;

function keyText(value: string): string {
  if (/^[A-Za-z0-9+/]{43}=$/.test(value.trim())) return value.trim();
  return readFileSync(value, 'utf8');
}

export async function main(args: string[]): Promise<number> {
  let zipPath: string | undefined;
  let key: string | undefined;
  let maxProblems = 100;
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--key' || arg === '-k') key = args[++i];
    else if (arg.startsWith('--key=')) key = arg.slice('--key='.length);
    else if (arg === '--max-problems') maxProblems = Number(args[++i]);
    else if (arg === '--json') json = true;
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    } else if (!arg.startsWith('-') && zipPath === undefined) zipPath = arg;
    else {
      process.stderr.write(`audit-verify: unexpected argument ${arg}\n${USAGE}\n`);
      return 2;
    }
  }
  if (!zipPath || !key || !Number.isInteger(maxProblems) || maxProblems < 0) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  let report;
  try {
    report = await verifyArchive(zipPath, { publicKey: keyText(key), maxProblems });
  } catch (error) {
    process.stderr.write(
      `audit-verify: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 2;
  }
  if (json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const lines = [
      `${zipPath}: ${report.ok ? 'OK' : 'PROBLEMS'}`,
      `  rows ${report.rows}, verified ${report.verifiedRows}, unsealed ${report.unsealedRows}, ` +
        `checkpoints ${report.checkpoints}, key ${report.keyId ?? '?'}`,
      ...report.problems.map((p) => `  ${p.kind}: ${p.detail}`),
    ];
    if (report.problemCount > report.problems.length) {
      lines.push(`  … and ${report.problemCount - report.problems.length} more problems`);
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return report.ok ? 0 : 1;
}
