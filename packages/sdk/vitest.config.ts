import { mergeConfig } from 'vitest/config';

import { sharedVitestConfig } from '../../tooling/vitest.shared.ts';

export default mergeConfig(sharedVitestConfig(import.meta.dirname), {
  test: {
    // Type-level tests (*.test-d.ts) run through tsc as part of `pnpm test`.
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});
