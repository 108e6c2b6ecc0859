/* PLACEHOLDER: replaced by the real module. */
#include "markdown.h"
