export function JobsPage() {
  return <div>JobsPage</div>;
}
