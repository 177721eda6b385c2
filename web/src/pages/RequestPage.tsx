// Built by the part of issue 17 that owns this page (see /work/wt/CONTRACTS.md).
export function RequestPage() {
  return <main><h1>RequestPage</h1></main>;
}
