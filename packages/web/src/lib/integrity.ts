import { z } from 'zod';

import type { Job, RouterOutputs } from '../trpc';

type ApiReport = RouterOutputs['integrity']['verify'];
/** The kinds of problem this build knows (a newer server may name others). */
export type ProblemKind = ApiReport['problems'][number]['kind'];

/** Every kind, in the order the panel lists them, with what it means in plain words. */
export const PROBLEM_KIND_INFO: Record<ProblemKind, { label: string; meaning: string }> = {
  altered: { label: 'altered', meaning: 'a stored event differs from the event that was sealed' },
  missing: {
    label: 'missing',
    meaning: 'a sealed event is no longer stored, and no purge receipt covers it',
  },
  inserted: { label: 'inserted', meaning: 'a stored event that no seal covers' },
  unsealed: {
    label: 'unsealed',
    meaning: 'an event recorded more than a minute ago that is still not sealed',
  },
  'chain-broken': {
    label: 'chain broken',
    meaning: 'a chain entry does not follow the one before it',
  },
  'bad-signature': {
    label: 'bad signature',
    meaning: "a chain entry's signature does not verify with this server's key",
  },
};

const reportSchema = z.object({
  ok: z.boolean(),
  checkedEvents: z.number(),
  checkedSeals: z.number(),
  purgedEvents: z.number().catch(0),
  problemCounts: z.record(z.string(), z.number()),
  problems: z.array(
    z.object({
      kind: z.string(),
      seq: z.number().nullable().catch(null),
      id: z.string().nullable().catch(null),
      eventId: z.string().nullable().catch(null),
      detail: z.string().catch(''),
    }),
  ),
});

/**
 * What a verification found (`integrity.verify`'s answer; a verify job's result), read from a
 * job's result: kinds as strings, so that one this build does not know is still shown.
 */
export type VerificationReport = z.output<typeof reportSchema>;
export type IntegrityProblem = VerificationReport['problems'][number];

/** The report a verify job left in its result; null when it left none (or an unreadable one). */
export function jobReport(job: Pick<Job, 'result'>): VerificationReport | null {
  const parsed = reportSchema.safeParse(job.result);
  return parsed.success ? parsed.data : null;
}

/** The label of a kind, or the kind itself when this build does not know it. */
export function problemLabel(kind: string): string {
  return (PROBLEM_KIND_INFO as Partial<Record<string, { label: string }>>)[kind]?.label ?? kind;
}

/** The kinds found, with their counts: the known kinds in their order, then any others. */
export function problemsByKind(report: VerificationReport): { kind: string; count: number }[] {
  const counts = report.problemCounts;
  const known = Object.keys(PROBLEM_KIND_INFO);
  const kinds = [...known, ...Object.keys(counts).filter((kind) => !known.includes(kind))];
  return kinds.map((kind) => ({ kind, count: counts[kind] ?? 0 })).filter(({ count }) => count > 0);
}

/** How many problems there are in all (every one is counted, not only those listed). */
export function problemTotal(report: VerificationReport): number {
  return problemsByKind(report).reduce((sum, { count }) => sum + count, 0);
}

/** "1 altered, 2 missing": the counts by kind in a line; "intact" when there are none. */
export function describeProblems(report: VerificationReport): string {
  const kinds = problemsByKind(report);
  if (kinds.length === 0) return report.ok ? 'intact' : 'not intact';
  return kinds.map(({ kind, count }) => `${count} ${problemLabel(kind)}`).join(', ');
}

/** `integrity.status` caps its count of unsealed events at this (it never counts further). */
export const UNSEALED_COUNT_CAP = 100_000;

/** The backlog as a number to show: "more than 100,000" past the cap. */
export function formatUnsealed(count: number): string {
  return count > UNSEALED_COUNT_CAP
    ? `more than ${UNSEALED_COUNT_CAP.toLocaleString('en-US')}`
    : count.toLocaleString('en-US');
}

/** "1 event", "2,000 events". */
export function countOf(count: number, one: string, many: string): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}
