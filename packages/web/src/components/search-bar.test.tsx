// @vitest-environment happy-dom
import { MantineProvider } from '@mantine/core';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { SearchBar } from './search-bar';

function renderBar(value: string | undefined, onSearch = vi.fn()) {
  render(
    <MantineProvider>
      <SearchBar value={value} onSearch={onSearch} />
    </MantineProvider>,
  );
  return { onSearch, input: screen.getByRole('textbox', { name: 'Search' }) };
}

afterEach(cleanup);

describe('SearchBar', () => {
  it('applies a valid query on Enter', () => {
    const { onSearch, input } = renderBar(undefined);
    fireEvent.change(input, { target: { value: ' user:alice status:failure ' } });
    fireEvent.submit(input);
    expect(onSearch).toHaveBeenCalledWith('user:alice status:failure');
    expect(screen.queryByTestId('search-error')).toBeNull();
  });

  it('shows a syntax error at its position and does not apply the query', () => {
    const { onSearch, input } = renderBar(undefined);
    fireEvent.change(input, { target: { value: 'user:alice colour:red' } });
    const error = screen.getByTestId('search-error');
    expect(error.getAttribute('data-position')).toBe('11');
    expect(error.textContent).toContain('Column 12: unknown field "colour"');
    expect(error.textContent).toContain(`${' '.repeat(11)}^`);
    fireEvent.submit(input);
    expect(onSearch).not.toHaveBeenCalled();
  });

  it('clears the query when the box is emptied', () => {
    const { onSearch, input } = renderBar('status:failure');
    expect((input as HTMLInputElement).value).toBe('status:failure');
    fireEvent.change(input, { target: { value: '' } });
    fireEvent.submit(input);
    expect(onSearch).toHaveBeenCalledWith(undefined);
  });
});
