import { createDb, insertEvents } from '@audit/db';
import { generateSeed } from '@audit/db/seed';
import { EVENT_COPY_COLUMNS, eventCopyText, openCopy } from '@audit/db/seed/load';

const url = process.argv[2]!;
const store = await createDb({ databaseUrl: url, maxConnections: 4 });
await store.migrate();
const n = 50_000;
const gen = (seed: number) => {
  const out = [];
  for (const chunk of generateSeed({ events: n, days: 30, tenants: 1, end: new Date(), seed }))
    out.push(...chunk.events.map(({ jobIndex: _j, ...e }) => e));
  return out;
};
for (let round = 0; round < 3; round++) {
  const a = gen(round * 10 + 1);
  let t = performance.now();
  for (let i = 0; i < a.length; i += 1000) await store.db.transaction((tx) => insertEvents(tx, a.slice(i, i + 1000)));
  const ours = performance.now() - t;
  const b = gen(round * 10 + 2);
  const text = [eventCopyText(b)];
  t = performance.now();
  if (store.raw.driver === 'postgres') {
    const conn = await store.raw.sql.reserve();
    const copy = await openCopy(conn, 'events', EVENT_COPY_COLUMNS);
    for (const x of text) await copy.write(x);
    await copy.end();
    conn.release();
  }
  const direct = performance.now() - t;
  console.log(`round ${round}: insertEvents ${(n / ours * 1000).toFixed(0)}/s, COPY ${(n / direct * 1000).toFixed(0)}/s, ratio ${(direct / ours * 100).toFixed(0)}%`);
}
await store.close();
