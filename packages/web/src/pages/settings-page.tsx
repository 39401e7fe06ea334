import { Alert, Stack, Text, Title } from '@mantine/core';

import { PublicKeyCard } from '../components/public-key-card';
import { RetentionSettings } from '../components/settings/retention-settings';
import { TokensSettings } from '../components/settings/tokens-settings';
import { UsersSettings } from '../components/settings/users-settings';
import { useIsAdmin } from '../lib/session';

export function SettingsPage() {
  const isAdmin = useIsAdmin();
  if (!isAdmin) {
    return (
      <Stack>
        <Title order={2}>Settings</Title>
        <Alert color="yellow" title="You need the admin role" data-testid="settings-forbidden">
          Settings (retention, users and API tokens) are for admins. Ask an admin if something here
          needs changing.
        </Alert>
      </Stack>
    );
  }
  return (
    <Stack gap="lg">
      <div>
        <Title order={2}>Settings</Title>
        <Text size="sm" c="dimmed">
          How long events are kept, who can sign in, the tokens services use, and the key that signs
          the seals.
        </Text>
      </div>
      <RetentionSettings />
      <UsersSettings />
      <TokensSettings />
      <PublicKeyCard />
    </Stack>
  );
}
