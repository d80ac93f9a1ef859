/**
 * initlab inside TF.js: `import { initializer, audit, lsuv } from "initlab/tfjs"`.
 * Uses the @tensorflow/tfjs-core and @tensorflow/tfjs-layers your project resolves, on whatever
 * backend you set; importing this module registers initlab's initializer with tf.serialization, so
 * models saved with it reload.
 */
export { initializer, InitlabInitializer } from "./initializer.js";
export type { InitlabInitializerConfig } from "./initializer.js";
export { audit, auditModelOf } from "./audit.js";
export { lsuv } from "./lsuv.js";
export type { TfjsLsuvReport } from "./lsuv.js";
export type { AuditReport } from "../audit/auditReport.js";
