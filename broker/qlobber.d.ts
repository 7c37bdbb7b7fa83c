// qlobber 8 ships no typings. Only what the broker uses: QlobberTrue, a set of topic filters to test topics against
// (retained-index.ts), and Qlobber, values by topic filter (delivery.ts).
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
  interface Qlobber<V> {
    add(topic: string, value: V): Qlobber<V>;
    remove(topic: string, value?: V): Qlobber<V>;
    match(topic: string): V[];
  }
  const qlobber: {
    QlobberTrue: new (options?: QlobberOptions) => QlobberTrue;
    Qlobber: new <V>(options?: QlobberOptions) => Qlobber<V>;
  };
  export default qlobber;
}
