import { EVENT_STATUSES } from '@audit/db/values';
import { Center, Group, Paper, Skeleton, Text } from '@mantine/core';
import { memo, useState } from 'react';
import { Bar, BarChart, ReferenceArea, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

import { formatInZone, formatShortInZone } from '../lib/time';
import type { RouterOutputs } from '../trpc';
import { BasisNote, countText } from './count-basis';
import { STATUS_LABELS } from './status-badge';

type Histogram = RouterOutputs['auditLogs']['histogram'];

const STATUS_FILL: Record<(typeof EVENT_STATUSES)[number], string> = {
  success: 'var(--mantine-color-green-6)',
  failure: 'var(--mantine-color-red-6)',
  job_scheduled: 'var(--mantine-color-blue-6)',
  recurring_job_scheduled: 'var(--mantine-color-violet-6)',
};

interface Bucket {
  index: number;
  start: number;
  /** Exclusive. */
  end: number;
  total: number;
  success: number;
  failure: number;
  job_scheduled: number;
  recurring_job_scheduled: number;
}

/** Buckets with their ends: the next bucket's start, or one bucket length after the last. */
export function histogramBuckets(histogram: Histogram): Bucket[] {
  const starts = histogram.buckets.map((b) => Date.parse(b.start));
  return histogram.buckets.map((b, index) => {
    const start = starts[index] ?? 0;
    const next = starts[index + 1];
    // The last month bucket ends where the histogram's range does, else a month later at most.
    const last = histogram.to ? Date.parse(histogram.to) + 1 : start + 31 * 86_400_000;
    const end = next ?? (histogram.bucket === 'month' ? last : start + histogram.bucket);
    return { index, start, end, total: b.total, ...b.byStatus };
  });
}

/**
 * The buckets an approximate answer did not count in full: those starting before `since`
 * (only the newest events were read). [first, last] indexes, or null when all are counted.
 */
export function uncountedBuckets(
  buckets: readonly Bucket[],
  basis: Histogram['basis'],
): [number, number] | null {
  if (basis.exact || !basis.since) return null;
  const since = Date.parse(basis.since);
  let last = -1;
  for (const bucket of buckets) if (bucket.start < since) last = bucket.index;
  return last < 0 ? null : [0, last];
}

interface EventsHistogramProps {
  histogram: Histogram | undefined;
  timeZone: string;
  /** A range dragged across the chart (or one bar clicked): [from, to] inclusive. */
  onSelectRange: (from: Date, to: Date) => void;
}

/** Events over time, stacked by status. Drag across it to narrow the range. */
export const EventsHistogram = memo(function EventsHistogram({
  histogram,
  timeZone,
  onSelectRange,
}: EventsHistogramProps) {
  const [dragFrom, setDragFrom] = useState<number | null>(null);
  const [dragTo, setDragTo] = useState<number | null>(null);

  if (!histogram) return <Skeleton h={140} />;
  const buckets = histogramBuckets(histogram);
  const { exact } = histogram.basis;
  if (buckets.every((bucket) => bucket.total === 0)) {
    return (
      <Paper withBorder h={140} data-testid="histogram">
        <Center h="100%">
          <Text c="dimmed">{exact ? 'No events in this range' : '≈ No events counted'}</Text>
        </Center>
      </Paper>
    );
  }
  const uncounted = uncountedBuckets(buckets, histogram.basis);
  const sinceText = histogram.basis.since ? formatShortInZone(histogram.basis.since, timeZone) : '';
  const dayOrLonger = histogram.bucket === 'month' || histogram.bucket >= 86_400_000;
  const label = (ms: number) => {
    const text = formatInZone(new Date(ms), timeZone);
    return dayOrLonger ? text.slice(0, 10) : text.slice(5, 16);
  };
  const indexOf = (state: { activeTooltipIndex?: number | string | null }) => {
    const index = Number(state.activeTooltipIndex);
    return Number.isInteger(index) && index >= 0 ? index : null;
  };
  const finish = () => {
    if (dragFrom !== null && dragTo !== null) {
      const [a, b] = dragFrom <= dragTo ? [dragFrom, dragTo] : [dragTo, dragFrom];
      const first = buckets[a];
      const last = buckets[b];
      if (first && last) onSelectRange(new Date(first.start), new Date(last.end - 1));
    }
    setDragFrom(null);
    setDragTo(null);
  };

  return (
    <Paper
      withBorder
      p="xs"
      data-testid="histogram"
      data-exact={exact}
      aria-label="Events over time; drag to narrow the range"
    >
      <Group justify="space-between" mb={4}>
        <Text size="xs" c="dimmed">
          Events over time ({timeZone}) — drag across the bars to narrow the range
        </Text>
        <Group gap="xs">
          {EVENT_STATUSES.map((status) => (
            <Group key={status} gap={4}>
              <span
                style={{
                  width: 10,
                  height: 10,
                  background: STATUS_FILL[status],
                  display: 'inline-block',
                }}
              />
              <Text size="xs">{STATUS_LABELS[status].label}</Text>
            </Group>
          ))}
        </Group>
      </Group>
      <BasisNote basis={histogram.basis} timeZone={timeZone} testId="histogram-basis" />
      <div style={{ userSelect: 'none', height: 120 }}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart
            data={buckets}
            margin={{ top: 4, right: 8, bottom: 0, left: 0 }}
            barCategoryGap={1}
            onMouseDown={(state) => {
              const index = indexOf(state);
              setDragFrom(index);
              setDragTo(index);
            }}
            onMouseMove={(state) => {
              if (dragFrom !== null) setDragTo(indexOf(state) ?? dragTo);
            }}
            onMouseUp={finish}
            onMouseLeave={() => {
              setDragFrom(null);
              setDragTo(null);
            }}
          >
            <XAxis
              dataKey="index"
              tickFormatter={(index: number) => label(buckets[index]?.start ?? 0)}
              fontSize={11}
              minTickGap={40}
            />
            <YAxis
              fontSize={11}
              width={48}
              allowDecimals={false}
              tickFormatter={(count: number) => (count === 0 ? '0' : countText(count, exact))}
            />
            <Tooltip
              isAnimationActive={false}
              labelFormatter={(index) => {
                const bucket = buckets[Number(index)];
                if (!bucket) return '';
                const text = `${label(bucket.start)} – ${label(bucket.end)}`;
                return uncounted && bucket.index <= uncounted[1]
                  ? `${text} (not all counted)`
                  : text;
              }}
              formatter={(value) => (typeof value === 'number' ? countText(value, exact) : value)}
            />
            {uncounted && (
              // Before `since` only some events (or none) were read: the bars there fall short.
              <ReferenceArea
                x1={uncounted[0]}
                x2={uncounted[1]}
                fill="var(--mantine-color-gray-5)"
                fillOpacity={0.25}
                stroke="var(--mantine-color-gray-6)"
                strokeDasharray="4 3"
                ifOverflow="visible"
                label={{
                  value: `not all counted before ${sinceText}`,
                  position: 'insideTopLeft',
                  fontSize: 11,
                  fill: 'var(--mantine-color-dimmed)',
                }}
              />
            )}
            {EVENT_STATUSES.map((status) => (
              <Bar
                key={status}
                dataKey={status}
                name={STATUS_LABELS[status].label}
                stackId="status"
                fill={STATUS_FILL[status]}
                isAnimationActive={false}
              />
            ))}
            {dragFrom !== null && dragTo !== null && (
              <ReferenceArea
                x1={Math.min(dragFrom, dragTo)}
                x2={Math.max(dragFrom, dragTo)}
                fill="var(--mantine-color-indigo-3)"
                fillOpacity={0.4}
              />
            )}
          </BarChart>
        </ResponsiveContainer>
      </div>
    </Paper>
  );
});
