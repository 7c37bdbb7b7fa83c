// qlobber 8 ships no typings. Only what retained-index.ts uses: QlobberTrue, a set of topic filters to test topics against.
declare module "qlobber" {
  interface QlobberOptions {
    separator?: string;
    wildcard_one?: string;
    wildcard_some?: string;
    match_empty_levels?: boolean;
  }
  interface QlobberTrue {
    add(topic: string): QlobberTrue;
    test(topic: string): boolean;
  }
  const qlobber: { QlobberTrue: new (options?: QlobberOptions) => QlobberTrue };
  export default qlobber;
}
