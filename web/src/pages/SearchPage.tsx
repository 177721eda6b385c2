// Built by the part of issue 17 that owns this page (see /work/wt/CONTRACTS.md).
export function SearchPage() {
  return <main><h1>SearchPage</h1></main>;
}
