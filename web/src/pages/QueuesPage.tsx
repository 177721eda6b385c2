// Built by the part of issue 17 that owns this page (see /work/wt/CONTRACTS.md).
export function QueuesPage() {
  return <main><h1>QueuesPage</h1></main>;
}
