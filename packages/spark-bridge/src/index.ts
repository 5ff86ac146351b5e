/**
 * @paimon-ts/spark-bridge: placeholder package; its issue fills it in. It builds so the monorepo
 * task graph is complete from the first commit.
 */
export {};
