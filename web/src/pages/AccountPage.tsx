// Built by the part of issue 17 that owns this page (see /work/wt/CONTRACTS.md).
export function AccountPage() {
  return <main><h1>AccountPage</h1></main>;
}
