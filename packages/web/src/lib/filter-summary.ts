/**
 * An event filter as one line for people (a hold's, an archive's): the search box as typed,
 * then each field with its values, the time range, and the `where` tree as JSON.
 * `{ q: 'user:alice', status: ['failure'] }` → `user:alice · status: failure`.
 */
export function filterSummary(filter: Record<string, unknown>): string {
  const { q, ...fields } = filter;
  const parts: string[] = [];
  if (typeof q === 'string' && q.trim() !== '') parts.push(q.trim());
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) parts.push(`${key}: ${value.map(String).join(', ')}`);
    else if (typeof value === 'string') parts.push(`${key}: ${value}`);
    else parts.push(`${key}: ${JSON.stringify(value)}`);
  }
  return parts.length > 0 ? parts.join(' · ') : 'every event';
}
