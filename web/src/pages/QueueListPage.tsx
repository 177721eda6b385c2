// Built by the part of issue 17 that owns this page (see /work/wt/CONTRACTS.md).
export function QueueListPage() {
  return <main><h1>QueueListPage</h1></main>;
}
