import { parseSearchQuery, SEARCH_FIELDS, SearchQueryError } from '@audit/api/filters';
import { ActionIcon, Code, Group, HoverCard, Stack, Table, Text, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';

/** Where the query is wrong, if it is: checked as the user types, with the server's own parser. */
export function searchQueryError(query: string): SearchQueryError | null {
  if (query.trim() === '') return null;
  try {
    parseSearchQuery(query);
    return null;
  } catch (error) {
    if (error instanceof SearchQueryError) return error;
    throw error;
  }
}

interface SearchBarProps {
  value: string | undefined;
  onSearch: (query: string | undefined) => void;
}

/** The query-language box: Enter applies it; a syntax error is shown under it, at its position. */
export function SearchBar({ value, onSearch }: SearchBarProps) {
  const [draft, setDraft] = useState(value ?? '');
  // The URL changed under us (back button, facet click): show what is applied.
  useEffect(() => {
    setDraft(value ?? '');
  }, [value]);
  const error = searchQueryError(draft);

  return (
    <Stack gap={4}>
      <form
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          if (!error) onSearch(draft.trim() === '' ? undefined : draft.trim());
        }}
      >
        <TextInput
          label="Search"
          placeholder='user:alice task:tenant.* status:failure ip:10.0.0.0/8 after:2026-01-01 "disk full"'
          value={draft}
          onChange={(e) => {
            setDraft(e.currentTarget.value);
          }}
          error={error !== null}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          rightSection={<SearchHelp />}
          aria-describedby={error ? 'search-error' : undefined}
        />
      </form>
      {error && <SearchErrorMarker query={draft} error={error} />}
    </Stack>
  );
}

/** The query with a caret under the offending character, and the reason. */
function SearchErrorMarker({ query, error }: { query: string; error: SearchQueryError }) {
  const position = Math.min(error.position, query.length);
  return (
    <Stack
      gap={0}
      id="search-error"
      data-testid="search-error"
      data-position={error.position}
      role="status"
    >
      <Text size="xs" ff="monospace" c="dimmed" style={{ whiteSpace: 'pre', overflow: 'hidden' }}>
        {query}
        {'\n'}
        {' '.repeat(position)}^
      </Text>
      <Text size="sm" c="red">
        Column {position + 1}: {error.reason}
        {error.expected ? ` (expected ${error.expected})` : ''}
      </Text>
    </Stack>
  );
}

function SearchHelp() {
  return (
    <HoverCard width={460} position="bottom-end" withArrow shadow="md">
      <HoverCard.Target>
        <ActionIcon variant="subtle" aria-label="Search syntax help" size="sm">
          ?
        </ActionIcon>
      </HoverCard.Target>
      <HoverCard.Dropdown>
        <Stack gap="xs">
          <Text size="sm">
            Terms combine with AND; <Code>key:a,b</Code> means a or b; a trailing <Code>*</Code>{' '}
            matches a prefix; other words search the description (<Code>"quoted phrase"</Code>,{' '}
            <Code>-word</Code> to exclude).
          </Text>
          <Table fz="xs" verticalSpacing={2}>
            <Table.Tbody>
              {SEARCH_FIELDS.map((field) => (
                <Table.Tr key={field.key}>
                  <Table.Td>
                    <Group gap={4}>
                      <Code>{field.key}:</Code>
                    </Group>
                  </Table.Td>
                  <Table.Td>{field.help}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      </HoverCard.Dropdown>
    </HoverCard>
  );
}
