<?php

namespace Tests;

use Bigperson\ModulposApiClient\Config;

/**
 * Port of the original suite's ConfigTest.
 */
class ConfigTest extends TestCase
{
    public function testGetTestUrl(): void
    {
        $this->assertEquals(Config::BASE_TEST_URI, Config::getBaseUrl(true));
        $this->assertSame('https://demo.modulpos.ru/api/fn', Config::getBaseUrl(true));
    }

    public function testGetProductionUrl(): void
    {
        $this->assertEquals(Config::BASE_URI, Config::getBaseUrl(false));
        $this->assertEquals(Config::BASE_URI, Config::getBaseUrl());
        $this->assertSame('https://my.modulkassa.ru/api/fn', Config::getBaseUrl());
    }
}
