<?php

declare(strict_types=1);

namespace Bigperson\ModulposApiClient\Internal;

use Bigperson\ModulposApiClient\Exceptions\ValidationException;

/**
 * JSON encoding for the library's inputs: json_encode, and a ValidationException when it fails.
 * Nothing is converted here: amounts go as the host holds them (int, float, numeric string) and
 * the library reads each exactly (float noise such as 0.30000000000000004 as the kopecks it
 * stands for, "100.50" digit for digit).
 *
 * @internal
 */
final class Json
{
    private const FLAGS = JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_PRESERVE_ZERO_FRACTION | JSON_THROW_ON_ERROR;

    private function __construct()
    {
    }

    /**
     * @param mixed $value
     */
    public static function encode(
        #[\SensitiveParameter]
        $value
    ): string {
        try {
            return json_encode($value, self::FLAGS);
        } catch (\JsonException $e) {
            throw new ValidationException(
                'cannot encode the request as JSON: ' . $e->getMessage() . ' (strings must be UTF-8)',
                'invalid_argument',
                null,
                null,
                false,
                null,
                [],
                $e
            );
        }
    }
}
