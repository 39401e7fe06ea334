/**
 * @audit/sdk/verify — checks an export or purge archive against the server's signed seal
 * checkpoints, offline (Node.js). The `audit-verify` command runs it from a shell.
 *
 * ```ts
 * import { verifyArchive } from '@audit/sdk/verify';
 * const report = await verifyArchive('audit-export.zip', { publicKey: pem });
 * if (!report.ok) console.log(report.problems);
 * ```
 */
export {
  SEALS_FORMAT,
  verifyArchive,
  type ArchiveProblem,
  type ArchiveProblemKind,
  type ArchiveVerification,
  type VerifyArchiveOptions,
} from './archive';
