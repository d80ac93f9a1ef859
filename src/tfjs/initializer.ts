import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
// the type only (erased): see InitializerBase for the class itself
import type { Initializer } from "@tensorflow/tfjs-layers/dist/initializers.js";
import type { Framework } from "../core/internal.js";
import { checkSeed, FRAMEWORKS, initialize, resolveInitializer, rngStream } from "../core/internal.js";

/** What an initlab initializer records in a saved model (its tfjs config): the spec, the framework's semantics, the seed. */
export interface InitlabInitializerConfig {
  spec: string;
  framework: Framework | null;
  seed: number;
}

/**
 * tfjs-layers' Initializer base class. The package exports only its subclasses' factories, and a
 * deep import would load a second copy of tfjs-layers (whose `instanceof` checks would then fail),
 * so it is taken from a built-in initializer's prototype chain.
 */
const InitializerBase = Object.getPrototypeOf(tfl.initializers.zeros().constructor) as abstract new () => Initializer;

/**
 * A tfjs-layers initializer that draws with initlab: `apply(shape)` gives exactly the values of
 * `initlab init sample SPEC --shape <shape> --seed <seed> [--framework F]` (stream (seed, "init",
 * initializer), rounded to float32), in keras layout — the layout tfjs kernels have. Like tfjs's own
 * seeded initializers, every call with the same shape gives the same values: give each layer its own
 * seed. Registered with tf.serialization (class name "InitlabInitializer"), so a saved model records
 * the spec, framework and seed and reloads with this initializer (import initlab/tfjs before loading).
 */
export class InitlabInitializer extends InitializerBase {
  /** tfjs's class name (the registered name is "initlab>InitlabInitializer") */
  static className = "InitlabInitializer";
  readonly config: InitlabInitializerConfig;

  constructor(config: InitlabInitializerConfig) {
    super();
    const framework = config.framework ?? null;
    if (framework !== null && !(FRAMEWORKS as readonly string[]).includes(framework))
      throw new RangeError(`framework: must be one of ${FRAMEWORKS.join(", ")}, got ${JSON.stringify(framework)}`);
    this.config = { spec: config.spec, framework, seed: checkSeed(config.seed ?? 0) };
    // a bad spec fails here, when the layer is declared, not at its first build
    resolveInitializer(this.config.spec, { shape: [4, 4], framework });
  }

  override apply(shape: number[], dtype: tf.DataType = "float32"): tf.Tensor {
    if (dtype !== "float32") throw new RangeError(`initlab initializer: draws float32 kernels, not ${dtype}`);
    const options = { shape: [...shape], framework: this.config.framework };
    const resolved = resolveInitializer(this.config.spec, options);
    const values = initialize(
      this.config.spec,
      options,
      rngStream(this.config.seed, "init", resolved.initializer),
      "float32",
    ).values;
    return tf.tensor(Float32Array.from(values), shape, "float32");
  }

  /**
   * The saved config: the spec under `name` — on load tfjs-layers camel-cases every string value
   * except a `name` ("he_normal" would come back as "heNormal") — the framework and the seed.
   */
  override getConfig(): tf.serialization.ConfigDict {
    return { name: this.config.spec, framework: this.config.framework, seed: this.config.seed };
  }

  /** tfjs's deserialization entry: a saved model's config ({@link getConfig}) back into an initializer. */
  static fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls({ spec: config.name, framework: config.framework ?? null, seed: config.seed } as never);
  }
}

tf.serialization.registerClass(InitlabInitializer as never, "initlab", "InitlabInitializer");

/**
 * `initializer("he_normal", { framework: "torch", seed: 3 })`: an initlab initializer for a
 * tfjs-layers layer (`kernelInitializer`), see {@link InitlabInitializer}.
 * @param spec any catalog spec: `he_normal`, `orthogonal(gain=2)`, `truncated_normal(std=0.02)`, …
 * @param options.framework whose semantics the spec follows (default initlab's own)
 * @param options.seed default 0
 */
export function initializer(
  spec: string,
  options: { framework?: Framework | null; seed?: number } = {},
): InitlabInitializer {
  return new InitlabInitializer({ spec, framework: options.framework ?? null, seed: options.seed ?? 0 });
}
