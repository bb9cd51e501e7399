<?php

declare(strict_types=1);

namespace Bigperson\ModulposApiClient\Internal;

/**
 * A decimal string to be written into JSON as a number literal, digit for digit.
 *
 * @internal
 */
final class DecimalNumber
{
    /** @var string */
    public $literal;

    public function __construct(string $literal)
    {
        $this->literal = $literal;
    }
}
