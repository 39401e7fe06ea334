import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { App, createAppState } from './app';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
const state = createAppState();
// The page's loaders (and so its requests) start now, not after React's first render
// commits: RouterProvider finds the load under way and does not start another.
void state.router.load();
createRoot(root).render(
  <StrictMode>
    <App state={state} />
  </StrictMode>,
);
