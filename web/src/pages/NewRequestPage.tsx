// Built by the part of issue 17 that owns this page (see /work/wt/CONTRACTS.md).
export function NewRequestPage() {
  return <main><h1>NewRequestPage</h1></main>;
}
