<?php

namespace Tests;

/**
 * Base of every test, like the original suite's Tests\TestCase.
 */
abstract class TestCase extends \PHPUnit\Framework\TestCase
{
    /**
     * Skips the test unless the live-test environment is set (as the original suite expects it).
     */
    protected static function requireLiveEnvironment(): void
    {
        foreach (['MODULPOS_LOGIN', 'MODULPOS_PASSWORD', 'MODULPOS_RETAIL_POINT_UUID', 'MODULPOS_TEST_BASE_URL'] as $name) {
            if (getenv($name) === false || getenv($name) === '') {
                self::markTestSkipped("$name is not set: live tests need a modulpos-sandbox (see run-tests.sh)");
            }
        }
    }
}
