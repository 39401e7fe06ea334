// One flat config for the whole workspace: type-aware rules, each file checked
// against the tsconfig.json nearest to it.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/.data/**',
      '**/.turbo/**',
      'packages/db/migrations/**',
      // Generated (openapi-typescript): checked against its source by a test instead.
      '**/*.gen.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true, allowNullish: true },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // The SPA: the rules of hooks, and dependency lists that match what effects read.
    files: ['packages/web/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    // Data access throws domain errors (data/errors.ts) that trpc.ts maps to tRPC codes; it
    // never speaks tRPC itself, so jobs and plain HTTP routes can call it too.
    files: ['packages/api/src/data/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@trpc/*'], message: 'throw a DomainError (data/errors.ts) instead' },
            { group: ['../trpc'], message: 'data/ must not depend on the tRPC layer' },
          ],
        },
      ],
    },
  },
  {
    // Routers never import routers: a shape two of them share lives in schemas/.
    files: ['packages/api/src/routers/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['./*'], message: 'put the shared shape in schemas/' }] },
      ],
    },
  },
  {
    // Tests assert on values they just made, and vitest's asymmetric matchers are typed `any`.
    files: ['**/*.test.ts', '**/*.test.tsx'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
