import { Alert, Stack, Text, Title } from '@mantine/core';

import { PublicKeyCard } from '../components/public-key-card';
import { LegalHoldsSettings } from '../components/settings/legal-holds-settings';
import { RetentionSettings } from '../components/settings/retention-settings';
import { TokensSettings } from '../components/settings/tokens-settings';
import { UsersSettings } from '../components/settings/users-settings';
import { useIsAdmin } from '../lib/session';

export function SettingsPage() {
  const isAdmin = useIsAdmin();
  if (!isAdmin) {
    // Auditors see the legal holds (what is kept from purge, and why), read-only.
    return (
      <Stack gap="lg">
        <Title order={2}>Settings</Title>
        <Alert color="yellow" title="You need the admin role" data-testid="settings-forbidden">
          Retention, users and API tokens are for admins. Ask an admin if something here needs
          changing.
        </Alert>
        <LegalHoldsSettings />
      </Stack>
    );
  }
  return (
    <Stack gap="lg">
      <div>
        <Title order={2}>Settings</Title>
        <Text size="sm" c="dimmed">
          How long events are kept and what must not be deleted, who can sign in, the tokens
          services use, and the key that signs the seals.
        </Text>
      </div>
      <RetentionSettings />
      <LegalHoldsSettings />
      <UsersSettings />
      <TokensSettings />
      <PublicKeyCard />
    </Stack>
  );
}
