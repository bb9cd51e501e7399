<?php

declare(strict_types=1);

namespace Bigperson\ModulposApiClient\Internal;

/**
 * A decimal string to be written into JSON as a number literal, digit for digit.
 *
 * json_encode cannot write a literal itself, so while Json::encode runs it writes a placeholder
 * string that Json::encode then replaces with the literal: json_encode finds these objects
 * wherever they are (no walk over the document in PHP).
 *
 * @internal
 */
final class DecimalNumber implements \JsonSerializable
{
    /** @var string */
    public $literal;

    /**
     * While Json::encode runs: its placeholder prefix, and every placeholder written so far
     * ('"placeholder"' => literal). Null outside Json::encode.
     *
     * @var array{prefix: string, numbers: array<string, string>}|null
     */
    public static $encoding = null;

    public function __construct(string $literal)
    {
        $this->literal = $literal;
    }

    /**
     * @return string|array{literal: string}
     */
    #[\ReturnTypeWillChange]
    public function jsonSerialize()
    {
        if (self::$encoding === null) {
            // Encoded by someone else's json_encode: what it was before it knew how to serialize.
            return ['literal' => $this->literal];
        }
        $placeholder = self::$encoding['prefix'] . count(self::$encoding['numbers']);
        self::$encoding['numbers']['"' . $placeholder . '"'] = $this->literal;

        return $placeholder;
    }
}
