// Built by the part of issue 17 that owns this page (see /work/wt/CONTRACTS.md).
export function SignInPage() {
  return <main><h1>SignInPage</h1></main>;
}
