<?php

declare(strict_types=1);

namespace Bigperson\ModulposApiClient\Internal;

use Bigperson\ModulposApiClient\Exceptions\LibraryException;

/**
 * The one FFI object of the process, and the one way to call the native library.
 *
 * Loading, in this order:
 * 1. `FFI::scope('MODULPOS')` when the declarations were preloaded: by `ffi.preload` with the
 *    file from bin/modulpos-preload-header (PHP-FPM: the library is loaded once by the master;
 *    with `ffi.enable=preload` the classes must come from `opcache.preload` of preload.php too,
 *    since only preloaded code may use FFI there), or by preload.php's FFI::load;
 * 2. otherwise one `FFI::cdef()` with resources/modulpos_ffi.h (plain C declarations, no
 *    preprocessor lines) and the first library found among:
 *    - the path set with Config::setLibraryPath() or the env var MODULPOS_FFI_LIB (only that one),
 *    - this package's lib/ directory,
 *    - the repository's Cargo build output: target/release, then target/debug,
 *    - the system loader (LD_LIBRARY_PATH, ld.so.cache).
 * A library that cannot be found raises a LibraryException naming every place tried and the fix
 * for the SAPI at hand (see hint()); one with another ABI version raises one naming both versions.
 *
 * Every returned string is copied with FFI::string and released with mk_string_free in a
 * `finally`, then decoded; an error envelope becomes an exception (see ErrorMapper).
 *
 * @internal
 */
final class Library
{
    /** The ABI version this binding is written against (mk_abi_version()). */
    public const ABI_VERSION = 1;

    /** The FFI scope name used with ffi.preload. */
    public const SCOPE = 'MODULPOS';

    /** @var \FFI|null */
    private static $ffi;

    /** @var string|null where the library came from, for diagnostics */
    private static $origin;

    /** @var string|null set by Config::setLibraryPath() */
    private static $configuredPath;

    private function __construct()
    {
    }

    /**
     * Sets the library path to use instead of the lookup; must be called before the first call.
     */
    public static function setPath(?string $path): void
    {
        if (self::$ffi !== null && $path !== self::$configuredPath) {
            throw new LibraryException(
                'the modulpos library is already loaded from ' . self::$origin . '; set its path before the first call',
                'invalid_argument'
            );
        }
        self::$configuredPath = $path;
    }

    /** The process's FFI object; loads the library on the first call. */
    public static function ffi(): \FFI
    {
        if (self::$ffi === null) {
            self::load();
        }

        return self::$ffi;
    }

    /** Where the library was loaded from: "ffi.preload scope MODULPOS" or a file path. */
    public static function origin(): string
    {
        self::ffi();

        return (string) self::$origin;
    }

    /** The library's version string (mk_version()). */
    public static function version(): string
    {
        return self::ffi()->mk_version();
    }

    /** The declaration file given to FFI::cdef (and the base of the ffi.preload file). */
    public static function headerPath(): string
    {
        return dirname(__DIR__, 2) . '/resources/modulpos_ffi.h';
    }

    /**
     * Every place the lookup tries, in order (the configured path or MODULPOS_FFI_LIB alone when set).
     *
     * @return string[]
     */
    public static function candidates(): array
    {
        $explicit = self::$configuredPath;
        if ($explicit === null || $explicit === '') {
            $env = getenv('MODULPOS_FFI_LIB');
            $explicit = $env === false ? null : $env;
        }
        if ($explicit !== null && $explicit !== '') {
            return [$explicit];
        }
        $file = self::fileName();
        $package = dirname(__DIR__, 2);
        $repository = dirname($package, 2);

        return [
            $package . '/lib/' . $file,
            $repository . '/target/release/' . $file,
            $repository . '/target/debug/' . $file,
            $file,
        ];
    }

    /**
     * Calls a library function that returns an owned envelope and returns the envelope's `data`.
     * The arguments (credentials, buyers' contacts) are kept out of stack traces.
     *
     * @param mixed ...$arguments
     *
     * @return mixed
     */
    public static function call(
        string $function,
        #[\SensitiveParameter]
        ...$arguments
    ) {
        return self::consume(self::ffi()->$function(...$arguments), $function);
    }

    /**
     * Takes ownership of an envelope returned by the library: copies it, frees it, decodes it, and
     * returns `data` or throws the mapped exception.
     *
     * @param \FFI\CData|null $pointer
     *
     * @return mixed
     */
    public static function consume($pointer, string $function)
    {
        if ($pointer === null || \FFI::isNull($pointer)) {
            throw new LibraryException("$function returned NULL instead of a result (a bug in the library)", 'internal');
        }
        try {
            $json = \FFI::string($pointer);
        } finally {
            self::$ffi->mk_string_free($pointer);
        }
        try {
            $envelope = json_decode($json, true, 512, JSON_THROW_ON_ERROR);
        } catch (\JsonException $e) {
            throw new LibraryException("$function returned a result that is not JSON: " . $e->getMessage(), 'internal', null, null, false, null, [], $e);
        }
        if (!is_array($envelope) || !array_key_exists('ok', $envelope)) {
            throw new LibraryException("$function returned JSON that is not a result envelope", 'internal');
        }
        if ($envelope['ok'] === true) {
            return $envelope['data'] ?? null;
        }
        throw ErrorMapper::fromEnvelopeError(is_array($envelope['error'] ?? null) ? $envelope['error'] : []);
    }

    /**
     * Called by preload.php while opcache.preload runs: checks the scope MODULPOS that ffi.preload
     * made (the file written by bin/modulpos-preload-header), or, when the master runs as the
     * preload user itself (no opcache.preload_user), loads it with FFI::load.
     */
    public static function preloadScope(): void
    {
        try {
            $ffi = \FFI::scope(self::SCOPE);
        } catch (\FFI\Exception $e) {
            $ffi = null;
        }
        if ($ffi === null) {
            try {
                $ffi = self::loadScopeFile();
            } catch (\FFI\Exception $e) {
                // E.g. "FFI::load() doesn't work in conjunction with opcache.preload_user".
                throw new LibraryException(
                    'modulpos preload.php: no FFI scope ' . self::SCOPE . ' and ' . $e->getMessage() . '; write the declarations'
                    . ' with `php vendor/bin/modulpos-preload-header --output FILE` and set ffi.preload = FILE (README: PHP-FPM)',
                    'library_not_found',
                    null,
                    null,
                    false,
                    null,
                    [],
                    $e
                );
            }
        }
        self::checkAbi($ffi, 'the preloaded FFI scope ' . self::SCOPE);
    }

    private static function loadScopeFile(): \FFI
    {
        $library = null;
        foreach (self::candidates() as $candidate) {
            if (strpos($candidate, '/') !== false && is_file($candidate)) {
                $library = realpath($candidate);
                break;
            }
        }
        if ($library === null || $library === false) {
            throw new LibraryException(
                "modulpos preload.php: no native library found; tried:\n  - " . implode("\n  - ", self::candidates())
                . "\n" . self::hint('library_not_found'),
                'library_not_found'
            );
        }
        if (strpbrk($library, "\"\\\n") !== false) {
            throw new LibraryException('modulpos preload.php: the library path must not contain quotes, backslashes or newlines', 'invalid_argument');
        }
        $declarations = @file_get_contents(self::headerPath());
        if ($declarations === false) {
            throw new LibraryException('cannot read the modulpos declaration file ' . self::headerPath(), 'library_not_found');
        }
        // FFI::load wants a file; it is read at once, so a temporary one does.
        $file = tempnam(sys_get_temp_dir(), 'modulpos-ffi-');
        if ($file === false) {
            throw new LibraryException('modulpos preload.php: cannot create a temporary file in ' . sys_get_temp_dir(), 'internal');
        }
        try {
            file_put_contents($file, '#define FFI_SCOPE "' . self::SCOPE . "\"\n" . '#define FFI_LIB "' . $library . "\"\n" . $declarations);
            $ffi = \FFI::load($file);
        } finally {
            @unlink($file);
        }
        if ($ffi === null) {
            throw new LibraryException("modulpos preload.php: FFI::load could not load $library", 'library_not_found');
        }

        return $ffi;
    }

    private static function load(): void
    {
        try {
            // Preloaded by preload.php (opcache.preload) or ffi.preload; absent otherwise.
            $ffi = \FFI::scope(self::SCOPE);
        } catch (\FFI\Exception $e) {
            $ffi = null;
            $scopeError = $e->getMessage();
        }
        if ($ffi !== null) {
            self::checkAbi($ffi, 'the preloaded FFI scope ' . self::SCOPE);
            self::$ffi = $ffi;
            self::$origin = 'preloaded FFI scope ' . self::SCOPE;

            return;
        }
        if (self::ffiRestricted()) {
            throw new LibraryException(
                'cannot use the modulpos native library: ' . $scopeError . '. ' . self::hint('restricted'),
                'library_not_found'
            );
        }

        $header = self::headerPath();
        $declarations = @file_get_contents($header);
        if ($declarations === false) {
            throw new LibraryException("cannot read the modulpos declaration file $header", 'library_not_found');
        }

        $tried = [];
        foreach (self::candidates() as $candidate) {
            $isBareName = strpos($candidate, '/') === false && strpos($candidate, '\\') === false;
            if (!$isBareName && !is_file($candidate)) {
                $tried[] = "$candidate (no such file)";
                continue;
            }
            try {
                $ffi = \FFI::cdef($declarations, $candidate);
            } catch (\FFI\Exception $e) {
                $tried[] = ($isBareName ? "$candidate (system loader)" : $candidate) . ' (' . $e->getMessage() . ')';
                continue;
            }
            self::checkAbi($ffi, $candidate);
            self::$ffi = $ffi;
            self::$origin = $candidate;

            return;
        }

        throw new LibraryException(
            "cannot load the modulpos native library; tried:\n  - " . implode("\n  - ", $tried)
            . "\n" . self::hint('library_not_found'),
            'library_not_found'
        );
    }

    /** FFI::cdef is refused here: ffi.enable=preload outside the CLI, or FFI disabled. */
    private static function ffiRestricted(): bool
    {
        $enable = strtolower(trim((string) ini_get('ffi.enable')));
        if (in_array($enable, ['1', 'true', 'on', 'yes'], true)) {
            return false;
        }

        return PHP_SAPI !== 'cli' || $enable !== 'preload';
    }

    /**
     * The fix for the SAPI at hand: a web server admin gets php.ini settings and the release
     * package, a developer at the command line the env var or the Cargo build.
     */
    public static function hint(string $problem): string
    {
        $package = dirname(__DIR__, 2);
        $preload = "ffi.preload = <the file written by `php vendor/bin/modulpos-preload-header --output FILE`>,"
            . " opcache.preload = $package/preload.php, opcache.preload_user = <the pool's user>";
        if (PHP_SAPI === 'cli' || PHP_SAPI === 'phpdbg') {
            if ($problem === 'restricted') {
                return 'FFI is disabled for the CLI: run php with -d ffi.enable=true (or ffi.enable=preload).';
            }

            return "Use the release package (its lib/ holds libmodulpos.so), set MODULPOS_FFI_LIB to the library's path,"
                . ' or, in a checkout of the repository, build it with `cargo build --release`.';
        }
        if ($problem === 'restricted') {
            return 'ffi.enable=' . (string) ini_get('ffi.enable') . ' allows FFI under ' . PHP_SAPI
                . " only in code loaded by opcache.preload: set, in this SAPI's php.ini, ffi.enable = preload, opcache.enable = 1, $preload,"
                . ' then restart it (README: PHP-FPM); or set ffi.enable = true.';
        }

        return "Install the release package modulpos-ffi (its lib/ holds libmodulpos.so for linux x86_64, glibc >= 2.17),"
            . ' or give the path: env[MODULPOS_FFI_LIB] = /path/to/libmodulpos.so in the FPM pool config (or the web server\'s environment),'
            . ' or Config::setLibraryPath(), then reload the server.';
    }

    private static function checkAbi(\FFI $ffi, string $where): void
    {
        $abi = (int) $ffi->mk_abi_version();
        if ($abi !== self::ABI_VERSION) {
            throw new LibraryException(
                sprintf(
                    'the modulpos library at %s has ABI version %d, this PHP binding needs ABI version %d;'
                    . ' install the library and the binding from the same release',
                    $where,
                    $abi,
                    self::ABI_VERSION
                ),
                'abi_mismatch'
            );
        }
    }

    private static function fileName(): string
    {
        switch (PHP_OS_FAMILY) {
            case 'Darwin':
                return 'libmodulpos.dylib';
            case 'Windows':
                return 'modulpos.dll';
            default:
                return 'libmodulpos.so';
        }
    }
}
