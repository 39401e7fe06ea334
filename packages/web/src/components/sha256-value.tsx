import { Button, Code, CopyButton, Group, Tooltip } from '@mantine/core';

/** A checksum, shortened; the whole value in a tooltip and a copy button. */
export function Sha256Value({ value }: { value: string }) {
  const short = value.length > 14 ? `${value.slice(0, 10)}…` : value;
  return (
    <Group gap={4} wrap="nowrap">
      <Tooltip label={value} withArrow multiline maw={360} style={{ wordBreak: 'break-all' }}>
        <Code data-testid="sha256" data-value={value} tabIndex={0} aria-label={`SHA-256 ${value}`}>
          {short}
        </Code>
      </Tooltip>
      <CopyButton value={value} timeout={1500}>
        {({ copied, copy }) => (
          <Button
            variant="subtle"
            color={copied ? 'teal' : 'gray'}
            size="compact-xs"
            onClick={copy}
            aria-label={copied ? 'SHA-256 copied' : 'Copy SHA-256'}
          >
            {copied ? 'Copied' : 'Copy'}
          </Button>
        )}
      </CopyButton>
    </Group>
  );
}
