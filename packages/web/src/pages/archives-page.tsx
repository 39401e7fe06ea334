export function ArchivesPage() {
  return <div>ArchivesPage</div>;
}
