/** Hono environment shared by every route. */
import type { Config } from "./config.ts";
import type { Principal, Services } from "../service/index.ts";

export interface AppEnv {
  Variables: {
    services: Services;
    config: Config;
    /** Set by the `authenticate` middleware on routes that need a token. */
    principal: Principal;
    /** X-Request-Id of this request (api/observability.ts). */
    requestId: string;
  };
}
