//! # quench-run: experiments end to end
