/** Modules wrangler provides to the Worker bundle (wrangler.toml `[[rules]]`): HiGHS's WASM as a compiled module. */
declare module "highs/runtime" {
  const module: WebAssembly.Module;
  export default module;
}
