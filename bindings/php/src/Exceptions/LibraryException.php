<?php

namespace Bigperson\ModulposApiClient\Exceptions;

/**
 * The native library could not be used: it was not found (library_not_found; the message names
 * every place tried), it has another ABI version (abi_mismatch), or it reported a bug of its own
 * (internal, a caught panic; please report it).
 */
class LibraryException extends ModulposException
{
}
