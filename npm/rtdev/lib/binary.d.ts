/** The platforms rtdev ships a binary for, as `${process.platform}-${process.arch}`. */
export declare const platforms: readonly string[]
/** The version of the rtdev package, which every platform package shares. */
export declare const version: string
/** The platform package name for a platform, such as "@rtdev/cli-linux-x64". */
export declare function platformPackage(platform?: string, arch?: string): string
/**
 * The path of the rtdev binary: $RTDEV_BINARY when set, else the binary of
 * the installed @rtdev/cli-* package for this machine. Throws an Error that
 * names the missing package and the fix.
 */
export declare function binaryPath(): string
