import { Button, Center } from '@mantine/core';

export interface LoadMoreButtonProps {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
  shown: number;
}

/** "Load more" under a cursor-paged list; says so when everything is shown. */
export function LoadMoreButton({
  hasNextPage,
  isFetchingNextPage,
  fetchNextPage,
  shown,
}: LoadMoreButtonProps) {
  if (!hasNextPage) {
    return (
      <Center c="dimmed" fz="sm" data-testid="list-end">
        {shown === 1 ? '1 item' : `${shown.toLocaleString('en')} items`}, all shown
      </Center>
    );
  }
  return (
    <Center>
      <Button
        variant="default"
        loading={isFetchingNextPage}
        onClick={() => {
          void fetchNextPage();
        }}
        data-testid="load-more"
      >
        Load more
      </Button>
    </Center>
  );
}
