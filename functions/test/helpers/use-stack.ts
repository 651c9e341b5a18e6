/**
 * A suite's whole test stack in one call, inside its describe:
 *
 *   describe("account erasure", function () {
 *     const stack = useStack({
 *       servers: ["storage", "heygen"],
 *       provider: "avatar-sdk",
 *       fresh: { firestore: true, heygen: true, provider: true },
 *     });
 *     it("…", () => expect(stack.heygen().calls).to.have.length(0));
 *   });
 *
 * It composes the declarations of helpers/servers.ts and helpers/stack.ts, so their
 * guarantees hold unchanged: the suite reaches only the servers and the provider it
 * names (the accessors it returns are typed to those, and refuse at run time outside
 * the suite), a provider or param redeploy is undone when the suite is over, and the
 * servers stay usable in the suite's own `after` hooks.
 *
 * `fresh` puts the named state back to a known start before each test (or once, before
 * the first, with `per: "suite"`): Firestore emptied; the HeyGen simulator's calls,
 * faults, holds and queued failures reset and its timings set to TEST_HEYGEN_TIMINGS
 * (or those with the suite's changes, put back when the suite is over); the provider
 * simulator's faults and queued photo rejections cleared. `cleanAfter` resets the same
 * state after each test (or after the suite) for suites that leave faults or holds
 * behind on purpose. Hooks the suite adds itself run after these, in mocha's order.
 */
import type { SimTimings } from "../../devtools/heygen-sim/model";
import type { StorageServer } from "../../devtools/storage-server/server";
import type { HeygenSim } from "../../devtools/heygen-sim/server";
import type { AvatarSdkSim } from "../../devtools/provider-sims/avatar-sdk-sim";
import type { In3dSim } from "../../devtools/provider-sims/in3d-sim";
import type { DidimoSim } from "../../devtools/provider-sims/didimo-sim";
import type { AppCheckIssuer } from "../../devtools/app-check-issuer";
import type { ProviderName } from "../../devtools/stack-env";
import { clearFirestore } from "./firestore";
import {
  appCheckIssuer,
  heygenSim,
  storageServer,
  TEST_HEYGEN_TIMINGS,
  useServers,
} from "./servers";
import { useParams, useProvider } from "./stack";

/** The servers a suite names (a provider's simulator comes with `provider`). */
export type StackServer = "storage" | "heygen" | "app-check";

interface ProviderSims {
  "avatar-sdk": AvatarSdkSim;
  in3d: In3dSim;
  didimo: DidimoSim;
}

interface ServerAccessors {
  storage: () => StorageServer;
  heygen: () => HeygenSim;
  appCheck: () => AppCheckIssuer;
}
type AccessorName<S extends StackServer> = S extends "app-check" ? "appCheck" : S;

/** Accessors of exactly what the suite declared. */
export type Stack<S extends StackServer, P extends ProviderName | undefined> = Pick<
  ServerAccessors,
  AccessorName<S>
> &
  ([P] extends [ProviderName] ? { provider: () => ProviderSims[P] } : unknown);

/** State a suite wants at a known start (or left clean), each only if it declared it. */
interface StateSet<S extends StackServer, P extends ProviderName | undefined> {
  /** Every document of the Firestore emulator deleted. */
  firestore?: boolean;
  heygen?: "heygen" extends S ? boolean : never;
  provider?: [P] extends [ProviderName] ? boolean : never;
  /** Before (after) each test, the default, or once before (after) the suite's tests. */
  per?: "test" | "suite";
}

export interface Fresh<S extends StackServer, P extends ProviderName | undefined> extends Omit<
  StateSet<S, P>,
  "heygen"
> {
  /** Reset, with TEST_HEYGEN_TIMINGS or those changed by `{ timings }` for this suite. */
  heygen?: "heygen" extends S ? boolean | { timings: Partial<SimTimings> } : never;
}

export interface StackOptions<S extends StackServer, P extends ProviderName | undefined> {
  servers?: readonly S[];
  provider?: P;
  /** Param values the functions run with during the suite (e.g. APP_CHECK_ENFORCED). */
  params?: Record<string, string>;
  fresh?: Fresh<S, P>;
  cleanAfter?: StateSet<S, P>;
}

/** Mocha hooks for the calling describe; returns accessors of what it declared. */
export function useStack<
  S extends StackServer = never,
  P extends ProviderName | undefined = undefined,
>(options: StackOptions<S, P>): Stack<S, P> {
  const servers = options.servers ?? [];
  if (servers.length) useServers(...servers);
  const provider: (() => ProviderSims[ProviderName]) | undefined = options.provider
    ? useProvider(options.provider)
    : undefined;
  if (options.params) useParams(options.params);

  /** Resets the named state; `timings` (fresh only) are then the HeyGen simulator's. */
  const reset = async (state: StateSet<S, P>, timings?: Partial<SimTimings>): Promise<void> => {
    if (state.firestore) await clearFirestore();
    if (state.heygen) {
      heygenSim().reset();
      if (timings) heygenSim().setTimings(timings);
    }
    if (state.provider) {
      if (!provider) throw new Error("useStack: `provider` state needs a declared `provider`");
      const sim = provider();
      sim.faults.length = 0;
      if ("rejectNextPhotos" in sim) sim.rejectNextPhotos = null;
    }
  };
  const { fresh, cleanAfter } = options;
  if (fresh) {
    const own = typeof fresh.heygen === "object" ? fresh.heygen.timings : undefined;
    const timings = { ...TEST_HEYGEN_TIMINGS, ...own };
    const state = { ...fresh, heygen: Boolean(fresh.heygen) } as StateSet<S, P>;
    (fresh.per === "suite" ? before : beforeEach)(() => reset(state, timings));
    // The suite's own timings do not reach the suites after it.
    if (own) after(() => heygenSim().setTimings(TEST_HEYGEN_TIMINGS));
  }
  if (cleanAfter) (cleanAfter.per === "suite" ? after : afterEach)(() => reset(cleanAfter));

  const accessors: Partial<ServerAccessors & { provider: typeof provider }> = {};
  if (servers.includes("storage" as S)) accessors.storage = storageServer;
  if (servers.includes("heygen" as S)) accessors.heygen = heygenSim;
  if (servers.includes("app-check" as S)) accessors.appCheck = appCheckIssuer;
  if (provider) accessors.provider = provider;
  return accessors as Stack<S, P>;
}
