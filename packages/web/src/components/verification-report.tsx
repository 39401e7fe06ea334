import { Anchor, Badge, Group, Stack, Table, Text, Tooltip } from '@mantine/core';
import { Link } from '@tanstack/react-router';

import {
  countOf,
  describeProblems,
  PROBLEM_KIND_INFO,
  problemLabel,
  problemsByKind,
  problemTotal,
  type IntegrityProblem,
  type VerificationReport,
} from '../lib/integrity';

/** Problems listed in the panel; all are counted, and `pnpm verify` lists every one. */
const PROBLEMS_SHOWN = 20;

function kindMeaning(kind: string): string | undefined {
  return (PROBLEM_KIND_INFO as Partial<Record<string, { meaning: string }>>)[kind]?.meaning;
}

/** A link opening the event in the Audit Logs page's detail drawer. */
function EventLink({ id }: { id: string }) {
  return (
    <Anchor
      size="sm"
      ff="monospace"
      renderRoot={(props) => <Link {...props} to="/" search={{ event: id }} />}
      data-testid="problem-event-link"
    >
      {id}
    </Anchor>
  );
}

function ProblemRow({ problem }: { problem: IntegrityProblem }) {
  return (
    <Table.Tr data-testid="problem-row" data-kind={problem.kind}>
      <Table.Td>
        <Tooltip label={kindMeaning(problem.kind) ?? problem.kind} withArrow multiline maw={300}>
          <Badge color="red" variant="light" tabIndex={0}>
            {problemLabel(problem.kind)}
          </Badge>
        </Tooltip>
      </Table.Td>
      <Table.Td>
        {problem.id ? (
          <EventLink id={problem.id} />
        ) : (
          <Text span size="sm" c="dimmed">
            —
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Text span size="sm" ff="monospace">
          {problem.seq === null ? '—' : `#${problem.seq}`}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
          {problem.detail}
        </Text>
        {problem.eventId && (
          <Text size="xs" c="dimmed" ff="monospace">
            eventId {problem.eventId}
          </Text>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

/** A verification's outcome: intact, or the problems by kind and the first of them in detail. */
export function VerificationReportView({ report }: { report: VerificationReport }) {
  const kinds = problemsByKind(report);
  const total = problemTotal(report);
  const intact = report.ok && total === 0;
  const shown = report.problems.slice(0, PROBLEMS_SHOWN);
  return (
    <Stack gap="sm" data-testid="verification-report" data-ok={String(intact)}>
      <Group gap="xs" wrap="wrap">
        <Badge
          color={intact ? 'green' : 'red'}
          variant="filled"
          size="lg"
          data-testid="verification-outcome"
        >
          {intact ? 'Intact' : 'Problems found'}
        </Badge>
        <Text size="sm" data-testid="verification-checked">
          Checked {countOf(report.checkedEvents, 'event', 'events')} in{' '}
          {countOf(report.checkedSeals, 'chain entry', 'chain entries')}
          {report.purgedEvents > 0
            ? `; ${countOf(report.purgedEvents, 'purged event', 'purged events')} accounted for by receipts`
            : ''}
          : <b>{describeProblems(report)}</b>
        </Text>
      </Group>
      {kinds.length > 0 && (
        <Group gap="xs" data-testid="problem-counts">
          {kinds.map(({ kind, count }) => (
            <Badge key={kind} color="red" variant="outline" data-kind={kind} data-count={count}>
              {count.toLocaleString('en-US')} {problemLabel(kind)}
            </Badge>
          ))}
        </Group>
      )}
      {shown.length > 0 && (
        <>
          <Table withTableBorder striped data-testid="problems">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={140}>Kind</Table.Th>
                <Table.Th w={120}>Event</Table.Th>
                <Table.Th w={100}>Chain entry</Table.Th>
                <Table.Th>Detail</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {shown.map((problem, index) => (
                <ProblemRow
                  key={`${problem.kind}:${problem.seq ?? ''}:${problem.id ?? ''}:${index}`}
                  problem={problem}
                />
              ))}
            </Table.Tbody>
          </Table>
          {total > shown.length && (
            <Text size="sm" c="dimmed" data-testid="problems-more">
              The first {shown.length} of {total.toLocaleString('en-US')} problems;{' '}
              <code>pnpm verify</code> lists every one.
            </Text>
          )}
        </>
      )}
    </Stack>
  );
}
