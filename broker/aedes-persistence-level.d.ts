// aedes-persistence-level 9.x ships no typings. Only what broker.ts uses: a factory over an open `level` database.
declare module "aedes-persistence-level" {
  /** The persistence handed to Aedes (`persistence` option); closing it is closing the database. */
  export interface AedesLevelPersistence {
    readonly asyncPersistence: unknown;
  }
  export default function aedesPersistenceLevel(db: object): AedesLevelPersistence;
}
