import { safetensors } from "../audit/modelBuilders.js";

/** A layer name with markup that would run a script if it were not escaped. */
export const INJECTED = "<img src=x onerror=alert(1)>";

/** A safetensors model whose one layer is named {@link INJECTED}. */
export function injectedModel(): Uint8Array {
  return safetensors([
    { name: `${INJECTED}.weight`, shape: [8, 4], data: Float32Array.from({ length: 32 }, (_, i) => Math.sin(i) / 4) },
    { name: `${INJECTED}.bias`, shape: [8], data: new Float32Array(8) },
  ]);
}
