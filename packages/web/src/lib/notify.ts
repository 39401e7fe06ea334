import { notifications } from '@mantine/notifications';

export function notifyError(error: unknown, title = 'Request failed') {
  notifications.show({
    color: 'red',
    title,
    message: error instanceof Error ? error.message : String(error),
    autoClose: 8000,
  });
}

export function notifySuccess(message: string) {
  notifications.show({ color: 'green', message, autoClose: 4000 });
}
