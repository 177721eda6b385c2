// Built by the part of issue 17 that owns this page (see /work/wt/CONTRACTS.md).
export function SetupPage() {
  return <main><h1>SetupPage</h1></main>;
}
