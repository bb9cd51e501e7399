<?php

declare(strict_types=1);

namespace Bigperson\ModulposApiClient\Internal;

use Bigperson\ModulposApiClient\Exceptions\ValidationException;

/**
 * JSON encoding for the library's inputs.
 *
 * Amounts are never computed here. A decimal string such as "100.50" (what PDO returns for a
 * DECIMAL column) is written as the JSON number 100.50 exactly as given, so no float conversion
 * touches it; ints and floats are written by json_encode, and the library reads float noise such
 * as 0.30000000000000004 as the kopecks it stands for.
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
     * Marks a value to be written as a JSON number when it is a plain decimal string; any other
     * value is returned unchanged (the library then reports a wrong type with the field's path).
     *
     * @param mixed $value
     *
     * @return mixed
     */
    public static function number($value)
    {
        if (is_string($value) && preg_match('/^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/', $value) === 1) {
            return new DecimalNumber($value);
        }

        return $value;
    }

    /**
     * @param mixed $value
     */
    public static function encode(
        #[\SensitiveParameter]
        $value
    ): string {
        // A random token per process keeps a placeholder from matching any text of the document;
        // the document's strings never see the token, and every placeholder is replaced below.
        static $token = null;
        $token ??= bin2hex(random_bytes(8));
        $outer = DecimalNumber::$encoding;
        DecimalNumber::$encoding = ['prefix' => 'mk-number-' . $token . '-', 'numbers' => []];
        try {
            $json = json_encode($value, self::FLAGS);
            $numbers = DecimalNumber::$encoding['numbers'];
        } catch (\JsonException $e) {
            throw new ValidationException(
                'cannot encode the request as JSON: ' . $e->getMessage() . ' (strings must be UTF-8, numbers finite)',
                'invalid_argument',
                null,
                null,
                false,
                null,
                [],
                $e
            );
        } finally {
            DecimalNumber::$encoding = $outer;
        }
        if ($numbers !== []) {
            $json = strtr($json, $numbers);
        }

        return $json;
    }
}
