// What an editor shows: the SDK's public types appear by name in hovers, not spelled out.
import { resolve } from 'node:path';

import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SDK_DIR = resolve(import.meta.dirname, '..');
const USER_FILE = resolve(SDK_DIR, 'src/__hover_probe__.ts');

/** A consumer's code; each `/*@name*\/` marks an identifier whose hover is read. */
const SOURCE = `
import { createAuditClient } from './index';
const audit = createAuditClient({ url: 'http://127.0.0.1:3000', token: 'alm_x' });
export async function probe() {
  for await (const /*@event*/event of audit.iterate()) void event;
  const /*@page*/page = await audit.list();
  const /*@job*/job = await audit.jobs.byId('1');
  void page; void job;
}
`;

function hovers(): Record<string, string> {
  const config = ts.getParsedCommandLineOfConfigFile(
    resolve(SDK_DIR, 'tsconfig.json'),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
  );
  if (!config) throw new Error('no tsconfig');
  const files = [USER_FILE];
  const service = ts.createLanguageService({
    getScriptFileNames: () => files,
    getScriptVersion: () => '1',
    getScriptSnapshot: (name) => {
      const text = name === USER_FILE ? SOURCE : ts.sys.readFile(name);
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    },
    getCurrentDirectory: () => SDK_DIR,
    getCompilationSettings: () => config.options,
    getDefaultLibFileName: ts.getDefaultLibFilePath,
    fileExists: (name) => name === USER_FILE || ts.sys.fileExists(name),
    readFile: (name) => (name === USER_FILE ? SOURCE : ts.sys.readFile(name)),
    readDirectory: ts.sys.readDirectory.bind(ts.sys),
    directoryExists: ts.sys.directoryExists.bind(ts.sys),
    getDirectories: ts.sys.getDirectories.bind(ts.sys),
  });
  const shown: Record<string, string> = {};
  for (const match of SOURCE.matchAll(/\/\*@(\w+)\*\//g)) {
    const position = match.index + match[0].length;
    const info = service.getQuickInfoAtPosition(USER_FILE, position);
    shown[match[1] ?? ''] = ts.displayPartsToString(info?.displayParts);
  }
  return shown;
}

describe('hovers', () => {
  it('name AuditEvent, EventPage and Job instead of spelling them out (an alias was 787 characters)', () => {
    const shown = hovers();
    expect(shown.event).toBe('const event: AuditEvent');
    expect(shown.page).toBe('const page: EventPage');
    expect(shown.job).toBe('const job: Job');
  });
});
