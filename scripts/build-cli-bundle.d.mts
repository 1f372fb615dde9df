// Types of build-cli-bundle.mjs for the test suite's global setup.
export declare function staleBundles(): string[]
export declare function buildCliBundles(names?: string[]): Promise<Record<string, number>>
export declare const NODE_BUNDLE: Record<string, unknown>
