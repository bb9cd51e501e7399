<?php

declare(strict_types=1);

namespace Bigperson\ModulposApiClient;

use Bigperson\ModulposApiClient\Internal\Library;

/**
 * The service's public URLs (as in the original package), and the native library's location.
 *
 * The library resolves the URL it calls itself: the production URL, or in test mode the test URL;
 * the env vars MODULPOS_BASE_URL / MODULPOS_TEST_BASE_URL override them (e.g. to point test mode
 * at the local sandbox), and so does the `base_url` option of Client / Associate.
 */
class Config
{
    const BASE_URI = 'https://my.modulkassa.ru/api/fn';

    /** The working test service (the original's demo-fn.avanpos.com/fn went away in 2021). */
    const BASE_TEST_URI = 'https://demo.modulpos.ru/api/fn';

    /**
     * @param bool $testMode
     *
     * @return string
     */
    public static function getBaseUrl($testMode = false)
    {
        return $testMode ? self::BASE_TEST_URI : self::BASE_URI;
    }

    /**
     * Uses the native library at this path instead of looking it up (MODULPOS_FFI_LIB, the
     * package's lib/, the Cargo build output, the system loader). Call it before the first API call.
     */
    public static function setLibraryPath(?string $path): void
    {
        Library::setPath($path);
    }

    /** The native library's version (mk_version()). */
    public static function getLibraryVersion(): string
    {
        return Library::version();
    }
}
